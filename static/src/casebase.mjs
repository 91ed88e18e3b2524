// Casebase's JavaScript entry: an ES module loaded with <script type="module">, so it
// only runs in browsers GOV.UK Frontend supports. No inline script anywhere: the site
// runs under a strict Content-Security-Policy.
//
// `npm run build` copies this file to static/dist/ next to govuk-frontend.min.js, where
// the relative import below resolves. Under the manifest storage (casebase.storage),
// collectstatic rewrites it to the hashed file name.
import { initAll } from "./govuk-frontend.min.js";

// Frontend's components check for this class (the GOV.UK page template adds it with an
// inline script; we add it here instead). Its CSS uses it, for example for conditionally
// revealed checkbox content.
document.body.classList.add("govuk-frontend-supported");

initAll();
