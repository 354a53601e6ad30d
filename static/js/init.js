import { initAll } from '../govuk/govuk-frontend.min.js'
import { initTimeoutWarning } from './timeout.js'

initAll()

// Wide tables scroll inside their own focusable, labelled region (WCAG 1.4.10): a table a
// template did not wrap itself is wrapped here, after htmx swaps too. The region is named
// by the table's caption, its data-label or the heading before it, and no two regions of a
// page share a name (axe's landmark-unique: a screen reader lists landmarks by name).
function headingBefore (element) {
  for (let node = element; node && node.tagName !== 'MAIN'; node = node.parentElement) {
    for (let previous = node.previousElementSibling; previous; previous = previous.previousElementSibling) {
      if (/^H[1-6]$/.test(previous.tagName)) return previous.textContent.trim()
    }
  }
  return ''
}
function uniqueLabel (label) {
  const taken = new Set([...document.querySelectorAll('[role=region][aria-label]')].map((el) => el.getAttribute('aria-label')))
  if (!taken.has(label)) return label
  let n = 2
  while (taken.has(`${label} (${n})`)) n++
  return `${label} (${n})`
}
function wrapTables (root) {
  root.querySelectorAll('main table.govuk-table').forEach((table) => {
    if (table.parentElement.classList.contains('app-table-scroll')) return
    const region = document.createElement('div')
    region.className = 'app-table-scroll'
    region.setAttribute('role', 'region')
    region.tabIndex = 0
    const caption = table.querySelector('caption')
    const label = (caption && caption.textContent.trim()) || table.dataset.label || headingBefore(table) || 'Table'
    region.setAttribute('aria-label', uniqueLabel(label.replace(/\s+/g, ' ')))
    table.parentNode.insertBefore(region, table)
    region.appendChild(table)
  })
}
wrapTables(document)
document.body.addEventListener('htmx:afterSwap', (event) => wrapTables(event.target))

initTimeoutWarning()
