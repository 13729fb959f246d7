export { get, type HttpAnswer, type RequestExtra, request } from './http.ts'
export { freePort, freePorts, portFree } from './ports.ts'
export { waitFor } from './wait.ts'
