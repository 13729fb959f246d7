// Every check on one render: schema, policy, cross-object and code.
import { crossProblems } from './cross.ts'
import type { K8sObject, Problem } from './objects.ts'
import { policyProblems } from './policy.ts'
import { schemaProblems } from './schema.ts'

export async function checkManifests(objects: K8sObject[]): Promise<Problem[]> {
  return [...(await schemaProblems(objects)), ...policyProblems(objects), ...crossProblems(objects)]
}
