'use strict';
// The admin's autocomplete boxes (Select2) name their combobox after the chosen value only, so
// an empty one has no name for a screen reader: each is named after its field's label too.
{
  function nameAutocompletes(root) {
    for (const select of root.querySelectorAll('select.admin-autocomplete')) {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const box = select.nextElementSibling?.querySelector('.select2-selection');
      if (!label || !box) {
        continue;
      }
      label.id ||= `${select.id}-label`;
      const chosen = box.querySelector('.select2-selection__rendered[id]');
      box.setAttribute('aria-labelledby', chosen ? `${label.id} ${chosen.id}` : label.id);
      chosen?.setAttribute('aria-labelledby', label.id);
    }
  }

  // Loaded with defer, after the admin's autocomplete.js: these run after it has set Select2 up.
  if (window.django?.jQuery) {
    django.jQuery(() => nameAutocompletes(document));
    document.addEventListener('formset:added', (event) => nameAutocompletes(event.target));
  }
}
