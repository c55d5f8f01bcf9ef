// Progressive enhancement only: every page works without this file.
import { createAll, ErrorSummary, ExitThisPage, SkipLink } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
createAll(SkipLink);
createAll(ErrorSummary);
createAll(ExitThisPage);

for (const button of document.querySelectorAll("[data-np-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
