import { runService } from '@zdd/lifecycle'
import { recommendationsService } from './app.ts'

await runService(recommendationsService)
