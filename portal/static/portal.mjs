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

// The chat form empties and keeps focus after each message it sends.
document.body.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form.matches && form.matches("[data-np-chat]") && event.detail.successful) {
    form.reset();
    form.querySelector("input[name=message]").focus();
  }
});
