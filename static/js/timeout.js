// The idle timeout warning (WCAG 2.2.1 Timing adjustable, issue 16): before the session's
// idle limit a modal dialog takes focus, says when the user will be signed out and offers
// "Stay signed in", which restarts the server's idle clock. Long forms keep a draft of what
// was typed in sessionStorage, so being signed out loses nothing; it is restored on return.

const DRAFT_PREFIX = 'lac-draft:'
const NOT_KEPT = ['csrfmiddlewaretoken', 'password', 'token']

function draftKey (form) {
  return DRAFT_PREFIX + window.location.pathname + '#' + (form.getAttribute('action') || '')
}

function saveDraft (form) {
  const values = {}
  for (const element of form.elements) {
    if (!element.name || NOT_KEPT.includes(element.name) || element.type === 'password' ||
        element.type === 'hidden' || element.type === 'submit' || element.type === 'button') continue
    if (element.type === 'radio' || element.type === 'checkbox') {
      if (element.checked) (values[element.name] ||= []).push(element.value)
      else values[element.name] ||= []
    } else {
      values[element.name] = [element.value]
    }
  }
  try { window.sessionStorage.setItem(draftKey(form), JSON.stringify(values)) } catch (e) {}
}

function restoreDraft (form) {
  let values
  try { values = JSON.parse(window.sessionStorage.getItem(draftKey(form)) || 'null') } catch (e) {}
  if (!values) return false
  for (const element of form.elements) {
    if (!(element.name in values)) continue
    const kept = values[element.name]
    if (element.type === 'radio' || element.type === 'checkbox') element.checked = kept.includes(element.value)
    else element.value = kept[0] ?? ''
  }
  return true
}

function initDrafts () {
  document.querySelectorAll('form[data-draft]').forEach((form) => {
    // A form the server sent back with errors already shows what was typed.
    const showsErrors = !!document.querySelector('.govuk-error-summary')
    if (!showsErrors && restoreDraft(form)) {
      const banner = document.getElementById('draft-restored')
      if (banner) banner.hidden = false
    }
    let pending
    form.addEventListener('input', () => {
      clearTimeout(pending)
      pending = setTimeout(() => saveDraft(form), 300)
    })
    form.addEventListener('change', () => saveDraft(form))
    form.addEventListener('submit', () => {
      try { window.sessionStorage.removeItem(draftKey(form)) } catch (e) {}
    })
  })
}

function minutesText (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes + (minutes === 1 ? ' minute' : ' minutes')
  }
  return seconds + (seconds === 1 ? ' second' : ' seconds')
}

export function initTimeoutWarning () {
  initDrafts()
  const dialog = document.getElementById('timeout-dialog')
  if (!dialog || typeof dialog.showModal !== 'function') return
  const idle = Number(dialog.dataset.idleSeconds)
  const warnBefore = Math.min(Number(dialog.dataset.warnSeconds), Math.floor(idle / 2))
  const countdown = dialog.querySelector('[data-countdown]')
  const stay = dialog.querySelector('[data-stay]')
  let warnTimer, endTimer, tick, deadline, returnFocus

  // At the limit the page signs itself out (POST /logout/) and goes to the sign-in page,
  // which says "You were signed out"; signing in again comes back to this page.
  function signOut () {
    document.querySelectorAll('form[data-draft]').forEach(saveDraft)
    const back = encodeURIComponent(window.location.pathname + window.location.search)
    const form = dialog.querySelector('form[data-sign-out]')
    form.querySelector('input[name=next]').value = dialog.dataset.loginUrl + '?timeout=1&next=' + back
    form.submit()
  }

  function warn () {
    returnFocus = document.activeElement
    deadline = Date.now() + warnBefore * 1000
    countdown.textContent = minutesText(warnBefore)
    dialog.showModal()
    dialog.querySelector('h2').focus()
    tick = setInterval(() => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000))
      // Updated quietly each second; announced once when the dialog opens.
      countdown.textContent = minutesText(left)
    }, 1000)
  }

  function start () {
    clearTimeout(warnTimer); clearTimeout(endTimer); clearInterval(tick)
    warnTimer = setTimeout(warn, (idle - warnBefore) * 1000)
    endTimer = setTimeout(signOut, idle * 1000)
  }

  stay.addEventListener('click', async () => {
    const csrf = dialog.querySelector('input[name=csrfmiddlewaretoken]').value
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST', headers: { 'X-CSRFToken': csrf }, credentials: 'same-origin'
    })
    if (!response.ok) { signOut(); return }
    dialog.close()
    if (returnFocus && returnFocus.focus) returnFocus.focus()
    start()
  })
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); stay.click() })
  start()
}
