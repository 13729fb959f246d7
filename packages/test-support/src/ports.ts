// The tests' free ports are the packages' own (@zdd/ports), so there is one implementation to trust.
export { freePort, freePorts, portFree } from '@zdd/ports'
