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

// Survey skip logic: a question shown only after a given answer appears when that answer is chosen.
// Without this file every question shows, each conditional one saying which answer it follows.
for (const block of document.querySelectorAll("[data-np-show-if]")) {
  const form = block.closest("form");
  const wanted = block.dataset.npShowValues.split(",");
  const update = () => {
    const chosen = [...form.querySelectorAll(`[name="${block.dataset.npShowIf}"]:checked`)].map((i) => i.value);
    block.hidden = !chosen.some((value) => wanted.includes(value));
  };
  form.addEventListener("change", update);
  update();
}
