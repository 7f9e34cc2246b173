// Progressive enhancement for GOV.UK Frontend components (module script: no inline JS, CSP-safe).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
