import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, Lifecycle, type LifecycleState } from '@zdd/lifecycle'

test('ready only once started, and not while draining', () => {
  const lifecycle = new Lifecycle()
  assert.equal(lifecycle.readiness().ready, false)
  assert.equal(lifecycle.keepConnections, true)
  lifecycle.setState('ready')
  assert.equal(lifecycle.readiness().ready, true)
  for (const state of ['draining', 'closing', 'stopped'] as const) {
    lifecycle.setState(state)
    assert.equal(lifecycle.readiness().ready, false, state)
    assert.equal(lifecycle.draining, true, state)
    assert.equal(lifecycle.keepConnections, false, `${state}: responses must carry Connection: close`)
  }
})

test('readiness checks are named in the result; one that throws counts as failing', () => {
  const lifecycle = new Lifecycle()
  lifecycle.setState('ready')
  lifecycle.addReadinessCheck('flags', () => true)
  lifecycle.addReadinessCheck('upstream', () => {
    throw new Error('down')
  })
  assert.deepEqual(lifecycle.readiness(), {
    ready: false,
    state: 'ready',
    checks: { flags: true, upstream: false },
    forced: false,
  })
})

test('forcing not-ready takes the service out of rotation and closes connections; liveness is separate', () => {
  const lifecycle = new Lifecycle()
  lifecycle.setState('ready')
  lifecycle.forceNotReady(true)
  assert.equal(lifecycle.readiness().ready, false)
  assert.equal(lifecycle.keepConnections, false)
  assert.equal(lifecycle.live, true)
  lifecycle.forceNotReady(false)
  lifecycle.forceNotLive(true)
  assert.equal(lifecycle.live, false)
  assert.equal(lifecycle.readiness().ready, true)
})

test('state changes are emitted once each', () => {
  const lifecycle = new Lifecycle()
  const seen: LifecycleState[] = []
  lifecycle.on('state', (state) => seen.push(state))
  lifecycle.setState('ready')
  lifecycle.setState('ready')
  lifecycle.setState('draining')
  assert.deepEqual(seen, ['ready', 'draining'])
})

test('hook names are unique per kind', () => {
  const lifecycle = new Lifecycle()
  lifecycle.onShutdown('pool', () => {})
  assert.throws(() => lifecycle.onShutdown('pool', () => {}), errors.DuplicateHookError)
  lifecycle.addStartupCheck('pool', () => {})
  assert.deepEqual(
    lifecycle.cleanupHooks.map((hook) => hook.name),
    ['pool'],
  )
})
