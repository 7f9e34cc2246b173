// Case review form: keys 1-4 answer the question that has focus and move to the next one.
const form = document.querySelector("[data-audits-review-form]");
if (form) {
  const groups = Array.from(form.querySelectorAll("[data-audits-question]"));
  form.addEventListener("keydown", (event) => {
    if (event.target.matches("input[type=text], textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!"1234".includes(event.key)) return;
    const group = event.target.closest("[data-audits-question]");
    if (!group) return;
    // Each answer carries its key (1 compliant, 2 partial, 3 not compliant, 4 not applicable) whatever the scale.
    const radio = group.querySelector(`input[type=radio][data-key="${event.key}"]`);
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    const next = groups[groups.indexOf(group) + 1];
    const target = next ? next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]") : form.querySelector("button[type=submit]");
    if (target) target.focus();
  });
}
