import { runService } from '@zdd/lifecycle'
import { catalogService } from './app.ts'

await runService(catalogService)
