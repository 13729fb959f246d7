import type { FlagsResults } from '../flags/run.ts'
import { median } from '../lib/stats.ts'
import { machineLine, num, pct, type TargetCheck, table } from './md.ts'

type Results = FlagsResults & { profileName?: string }

export function flagsSection(r: Results): { markdown: string; checks: TargetCheck[]; headline: string } {
  const out: string[] = []
  out.push('## 3b. Flag decisions per second: `@zdd/flags` vs raw `unleash-client`')
  out.push(machineLine(r.machine, r.profileName, r.durationMs))
  out.push(
    `One decision = build the context for a request, then evaluate. **raw**: \`unleash-client\`'s own client (\`new Unleash\`: definitions in memory, no server, SDK usage metrics off), ` +
      "the context built inline from the request's `x-zdd-user` header. **@zdd/flags**: `FlagClient` on the same definitions with its metrics (`flag_evaluations_total` in a prom-client registry), " +
      "the context built by the request plugin's own `onRequest` hook (user from header, baggage or cookie, validated; session cookie); offline it evaluates with the SDK's evaluator alone, and hands it that context as it is instead of a copy per decision (packages/flags, How a decision is made). " +
      'Both sides read the same 1,000 request objects, made once: Fastify makes its request object before any hook runs, so neither side is charged for it. ' +
      "**without metrics**: the same without `instrumentFlags`, to show the metrics' share. " +
      `\`isEnabled\` on \`catalog-discount\` (gradual rollout 25 %, sticky on userId) and \`variant\` on \`recommendations-ab\` (two variants), 1,000 users in turn; ` +
      `${r.params.rounds} runs of ${num(r.params.durationMs / 1000, 1)} s per mode, each in a fresh process, modes interleaved; medians (bench/flags/measure.ts). ` +
      "Rates are decisions per second of the process's own CPU time (user + system), which other work on a shared machine disturbs much less than wall-clock time.",
  )
  const ops = Object.keys(r.rates) as Array<keyof FlagsResults['rates']>
  out.push(
    table(
      [
        'operation',
        'raw unleash-client',
        '@zdd/flags',
        'overhead',
        '@zdd/flags without metrics',
        'overhead without metrics',
      ],
      ops.map((op) => {
        const raw = median(r.rates[op].raw)
        const wrapped = median(r.rates[op].wrapper)
        const bare = median(r.rates[op]['wrapper-no-metrics'])
        return [
          `\`${op}\``,
          `${num(raw)}/s`,
          `${num(wrapped)}/s`,
          pct(1 - wrapped / raw),
          `${num(bare)}/s`,
          pct(1 - bare / raw),
        ]
      }),
    ),
  )
  const raw = median(r.rates.isEnabled.raw)
  const wrapped = median(r.rates.isEnabled.wrapper)
  const bare = median(r.rates.isEnabled['wrapper-no-metrics'])
  const overhead = 1 - wrapped / raw
  const perDecisionUs = (rate: number) => 1e6 / rate
  const checks: TargetCheck[] = [
    {
      target: 'flags wrapper ≤ 10 % overhead over raw `unleash-client`',
      measured: `isEnabled: ${pct(overhead)} (${num(perDecisionUs(wrapped), 2)} µs vs ${num(perDecisionUs(raw), 2)} µs per decision)`,
      met: overhead <= 0.1,
      note:
        overhead <= 0.1
          ? `margin ${num((0.1 - overhead) * 100)} points`
          : `missed by ${num((overhead - 0.1) * 100)} points: per decision the wrapper adds ${num(perDecisionUs(wrapped) - perDecisionUs(raw), 2)} µs; ` +
            `without its metrics (a per-decision tally, handed to prom-client's flag_evaluations_total at scrape time) it adds ${num(perDecisionUs(bare) - perDecisionUs(raw), 2)} µs ` +
            `(the request context: user id from header / baggage / cookie, id validation, session cookie, the per-request handle; separate processes differ by about ±0.3 µs, so small differences are noise), so the metrics cost ${num(perDecisionUs(wrapped) - perDecisionUs(bare), 2)} µs`,
    },
  ]
  const headline = `Flags: ${num(wrapped)} decisions/s through \`@zdd/flags\` vs ${num(raw)}/s raw (${pct(overhead)} overhead).`
  return { markdown: out.join('\n\n'), checks, headline }
}
