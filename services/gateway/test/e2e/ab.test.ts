import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { FLAG } from '@zdd/flags'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { sendAs, share, users } from '../helpers/load.ts'
import { startUpstream } from '../helpers/upstream.ts'

test(
  'A/B: variants split users by weight, stick to each user, and follow a re-weighting within 2 s',
  E2E,
  async (t) => {
    const a = await startUpstream(t, 'recommendations-a')
    const b = await startUpstream(t, 'recommendations-b')
    const flags = await flagsFile(t, { ab: { a: 70, b: 30 } })
    const gateway = await startGateway(t, {
      routes: {
        upstreams: { 'recommendations-a': a.url, 'recommendations-b': b.url },
        routes: [
          {
            name: 'recommendations',
            prefix: '/api/recommendations',
            rewritePrefix: '/recommendations',
            upstream: 'recommendations-a',
            experiment: {
              flag: FLAG.abExperiment,
              variants: { a: 'recommendations-a', b: 'recommendations-b' },
            },
          },
        ],
      },
      env: { FLAGS_FILE: flags.path, LOG_LEVEL: 'warn' },
    })

    const startedAt = performance.now()
    const crowd = await sendAs(gateway.url, '/api/recommendations', users('ab', 10_000), { concurrency: 64 })
    const elapsedMs = performance.now() - startedAt
    assert.ok(
      crowd.every((r) => r.status === 200),
      'every request should be answered 200',
    )
    for (const r of crowd)
      assert.ok(
        r.servedBy.startsWith(`recommendations-${r.variant}@`),
        `variant ${r.variant} served by ${r.servedBy}`,
      )
    const shareA = share(crowd, (r) => r.variant === 'a')
    const shareB = share(crowd, (r) => r.variant === 'b')
    t.diagnostic(
      `10,000 users in ${Math.round(elapsedMs)} ms: a ${shareA.toFixed(2)} %, b ${shareB.toFixed(2)} % (weights 70/30)`,
    )
    assert.ok(Math.abs(shareA - 70) <= 2, `variant a share ${shareA} % should be 70 ± 2`)
    assert.ok(Math.abs(shareB - 30) <= 2, `variant b share ${shareB} % should be 30 ± 2`)

    // The backends were told who the user is and which cohort they are in.
    const last = b.seen.at(-1)
    assert.match(String(last?.headers['x-zdd-user']), /^ab-\d+$/)
    assert.match(String(last?.headers.baggage), /zdd\.user=ab-\d+,zdd\.track=stable,zdd\.variant=b$/)
    assert.equal(last?.url.split('?')[0], '/recommendations')

    // Sticky: the same 500 users, five more times each, always get their variant.
    const sample = users('ab', 500)
    for (let round = 0; round < 5; round++) {
      const again = await sendAs(gateway.url, '/api/recommendations', sample, { concurrency: 32 })
      again.forEach((r, i) => {
        assert.equal(r.variant, crowd[i]?.variant, `user ${sample[i]} changed variant in round ${round + 1}`)
      })
    }

    // Re-weighting in the flags file reaches new assignments within 2 s.
    flags.update({ ab: { a: 20, b: 80 } })
    const changedAt = performance.now()
    let round = 0
    for (;;) {
      const fresh = await sendAs(gateway.url, '/api/recommendations', users(`fresh-${round++}`, 200), {
        concurrency: 32,
      })
      if (share(fresh, (r) => r.variant === 'b') > 60) break
      assert.ok(
        performance.now() - changedAt < 2000,
        'new weights were not in use 2 s after the file changed',
      )
      await sleep(50)
    }
    const appliedMs = performance.now() - changedAt
    assert.ok(appliedMs < 2000, `new weights applied after ${Math.round(appliedMs)} ms`)
    const reweighted = await sendAs(gateway.url, '/api/recommendations', users('after', 5000), {
      concurrency: 64,
    })
    const shareAfter = share(reweighted, (r) => r.variant === 'b')
    t.diagnostic(
      `weights 20/80 in use ${Math.round(appliedMs)} ms after the edit; 5,000 new users: b ${shareAfter.toFixed(2)} %`,
    )
    assert.ok(
      Math.abs(shareAfter - 80) <= 2,
      `variant b share after re-weighting ${shareAfter} % should be 80 ± 2`,
    )
  },
)
