// Progressive enhancement for GOV.UK Frontend components (module script: no inline JS, CSP-safe).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A progress page that updates itself (a script, not <meta http-equiv="refresh">, which WCAG 2.2.1 refuses).
const refresh = document.querySelector("[data-app-refresh]");
if (refresh) {
  window.setTimeout(() => window.location.reload(), Number(refresh.dataset.appRefresh) * 1000);
}
