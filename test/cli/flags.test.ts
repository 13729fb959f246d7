import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { FLAG, readFlagsFile, summarize } from '@zdd/flags'
import { runCli, scratch } from '../helpers/cli.ts'

test('zdd flags: list, set on/off, --rollout, --variants, reset edit the offline file', async (t) => {
  const file = join(await scratch(t), 'flags.json')
  const list = await runCli(['flags', 'list', '--file', file])
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /on {3}recommendations-ab +experiment +rollout 100% +variants a=50,b=50/)

  for (const args of [
    [FLAG.catalogCanary, '--rollout', '30'],
    [FLAG.abExperiment, '--variants', 'a=80,b=20'],
    [FLAG.shadow, 'off'],
  ]) {
    const run = await runCli(['flags', 'set', ...args, '--file', file])
    assert.equal(run.code, 0, run.stderr)
  }
  const flags = summarize(readFlagsFile(file))
  assert.equal(flags.find((f) => f.name === FLAG.catalogCanary)?.rollout, 30)
  assert.deepEqual(flags.find((f) => f.name === FLAG.abExperiment)?.variants, [
    { name: 'a', weight: 80 },
    { name: 'b', weight: 20 },
  ])
  assert.equal(flags.find((f) => f.name === FLAG.shadow)?.enabled, false)

  const json = await runCli(['flags', 'list', '--json', '--file', file])
  assert.equal(JSON.parse(json.stdout).find((f: { name: string }) => f.name === FLAG.shadow).enabled, false)
  const reset = await runCli(['flags', 'reset', '--file', file])
  assert.equal(reset.code, 0)
  assert.equal(summarize(readFlagsFile(file)).find((f) => f.name === FLAG.shadow)?.enabled, true)
})

test('zdd flags: bad input is a usage error (exit 2) that names the problem, and the file is untouched', async (t) => {
  const file = join(await scratch(t), 'flags.json')
  await runCli(['flags', 'list', '--file', file])
  const before = JSON.stringify(readFlagsFile(file))
  const cases: [string[], RegExp][] = [
    [['set', 'nope', 'on'], /No flag named "nope".*known flags: recommendations-ab/],
    [['set', FLAG.catalogCanary, '--rollout', '130'], /--rollout must be a whole percentage from 0 to 100/],
    [['set', FLAG.abExperiment, '--variants', 'a=80'], /summing to 100, got 80/],
    [['set', FLAG.abExperiment, '--variants', 'a:80'], /name=percent pairs/],
    [['set', FLAG.shadow, 'maybe'], /"maybe" is not a state; use on or off/],
    [['set', FLAG.catalogCanary, 'on', '--rollout', '3'], /exactly one change/],
    [['set', FLAG.shadow, '--rollout', '5'], /no flexibleRollout strategy/],
    [['frob'], /unknown flags action "frob"/],
    [['list', '--colour'], /Unknown option '--colour'/],
  ]
  for (const [args, message] of cases) {
    const run = await runCli(['flags', ...args, '--file', file])
    assert.equal(run.code, 2, `${args.join(' ')}: exit ${run.code}`)
    assert.match(run.stderr, message, args.join(' '))
  }
  assert.equal(JSON.stringify(readFlagsFile(file)), before)
})
