// Pickers too long for a list, made searchable with GOV.UK's accessible autocomplete
// (window.accessibleAutocomplete, loaded before this module). Without JavaScript the
// page's own checkboxes work as they are.
//
// Checkboxes marked data-app-pick-many (what a milestone depends on): the ticked ones stay
// listed, to untick; the others are found by typing, and choosing one ticks it. A live
// region says what was added.

export function enhancePickers (root) {
  const autocomplete = window.accessibleAutocomplete
  if (!autocomplete) return
  root.querySelectorAll('.govuk-checkboxes[data-app-pick-many]').forEach((list) => {
    if (list.querySelector('.govuk-checkboxes__item')) pickMany(autocomplete, list, list.dataset.appPickMany)
  })
}

function pickMany (autocomplete, list, noun) {
  const items = [...list.querySelectorAll('.govuk-checkboxes__item')].map((item) => ({
    item,
    box: item.querySelector('input'),
    label: item.querySelector('label').textContent.trim()
  }))
  const id = `${list.id || items[0].box.name}-find`
  const wrapper = document.createElement('div')
  wrapper.className = 'govuk-form-group app-pick-many'
  const label = document.createElement('label')
  label.className = 'govuk-label'
  label.htmlFor = id
  label.textContent = `Find a ${noun} to add`
  const hint = document.createElement('div')
  hint.className = 'govuk-hint'
  hint.id = `${id}-hint`
  hint.textContent = `Type part of its name, then choose it. The ${noun}s chosen are listed below: untick one to take it off.`
  const holder = document.createElement('div')
  const status = document.createElement('p')
  status.className = 'govuk-body govuk-!-margin-top-2 app-pick-many__status'
  status.setAttribute('role', 'status')
  wrapper.append(label, hint, holder, status)
  list.before(wrapper)

  // GOV.UK's display-none class: an item's own display rule would win over `hidden`.
  const show = () => items.forEach(({ item, box }) => item.classList.toggle('govuk-!-display-none', !box.checked))
  const chosen = () => items.filter(({ box }) => box.checked).length
  show()
  list.addEventListener('change', () => {
    status.textContent = `${chosen()} chosen.`
    show()
  })
  autocomplete({
    element: holder,
    id,
    source: (query, populate) => {
      const q = query.toLowerCase()
      populate(items.filter(({ box, label }) => !box.checked && label.toLowerCase().includes(q)).map(({ label }) => label))
    },
    onConfirm: (value) => {
      const found = items.find(({ label }) => label === value)
      if (!found) return
      found.box.checked = true
      show()
      status.textContent = `Added ${value}. ${chosen()} chosen.`
      // Clear the box for the next one once the autocomplete has shown the choice.
      window.setTimeout(() => { const input = document.getElementById(id); if (input) input.value = '' }, 0)
    },
    minLength: 1,
    showAllValues: false,
    confirmOnBlur: false,
    tNoResults: () => `No ${noun} found`
  })
  const input = document.getElementById(id)
  if (input) input.setAttribute('aria-describedby', `${id}-hint`)
}
