export { get, type HttpAnswer, type RequestExtra, request } from './http.ts'
export { freePort, freePorts, portFree } from './ports.ts'
export { type Exit, type LogLine, logIndex, type ServiceProcess, startService } from './service.ts'
export { waitFor } from './wait.ts'
