import { runService } from '@zdd/lifecycle'
import { gatewayService } from './app.ts'

await runService(gatewayService)
