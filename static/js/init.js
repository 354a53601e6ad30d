import { initAll } from '../govuk/govuk-frontend.min.js'
import { initTimeoutWarning } from './timeout.js'

initAll()

// Wide tables scroll inside their own focusable, labelled region (WCAG 1.4.10): a table a
// template did not wrap itself is wrapped here, after htmx swaps too.
function wrapTables (root) {
  root.querySelectorAll('main table.govuk-table').forEach((table) => {
    if (table.parentElement.classList.contains('app-table-scroll')) return
    const region = document.createElement('div')
    region.className = 'app-table-scroll'
    region.setAttribute('role', 'region')
    region.tabIndex = 0
    const caption = table.querySelector('caption')
    region.setAttribute('aria-label', (caption && caption.textContent.trim()) || table.dataset.label || 'Table')
    table.parentNode.insertBefore(region, table)
    region.appendChild(table)
  })
}
wrapTables(document)
document.body.addEventListener('htmx:afterSwap', (event) => wrapTables(event.target))

initTimeoutWarning()
