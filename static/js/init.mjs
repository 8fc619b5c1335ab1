import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
import { enhancePickers } from '/static/js/pickers.mjs'
enhancePickers(document)
