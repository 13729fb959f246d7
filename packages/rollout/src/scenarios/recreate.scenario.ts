import { Type } from '@sinclair/typebox'
import { defineScenario } from './define.ts'
import { deploymentUpdate } from './update.ts'

export default defineScenario({
  kind: 'recreate',
  summary: 'Recreate: every old pod stopped before the new ones start (downtime by design, the reference)',
  order: 20,
  options: Type.Object({}),
  strategy: () => ({ type: 'Recreate' }),
  runner: (options) => deploymentUpdate(options, 'recreate'),
})
