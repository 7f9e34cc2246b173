// Case review form: keys 1-4 answer the question that has focus and move to the next one.
const form = document.querySelector("[data-audits-review-form]");
if (form) {
  const groups = Array.from(form.querySelectorAll("[data-audits-question]"));
  form.addEventListener("keydown", (event) => {
    if (event.target.matches("input[type=text], textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    const index = "1234".indexOf(event.key);
    if (index < 0) return;
    const group = event.target.closest("[data-audits-question]");
    if (!group) return;
    const radios = group.querySelectorAll("input[type=radio]");
    if (!radios[index]) return;
    event.preventDefault();
    radios[index].checked = true;
    const next = groups[groups.indexOf(group) + 1];
    const target = next ? next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]") : form.querySelector("button[type=submit]");
    if (target) target.focus();
  });
}
