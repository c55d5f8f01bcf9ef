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

// The chat form empties and keeps focus after each message it sends. The newest turn scrolls into view; after
// a button (a kiosk's need, a suggestion) it also takes focus, so a screen reader reads the answer next.
document.body.addEventListener("htmx:afterRequest", (event) => {
  const sender = event.detail.elt;
  if (!sender.matches || !event.detail.successful || !sender.closest("form")) return;
  const latest = [...document.querySelectorAll("#np-chat-log [id=np-latest]")];
  for (const older of latest.slice(0, -1)) older.removeAttribute("id");
  const newest = latest.at(-1);
  if (sender.matches("[data-np-chat]")) {
    sender.reset();
    sender.querySelector("input[name=message]").focus();
    if (newest) newest.scrollIntoView({ block: "start" });
  } else if (newest) {
    newest.focus({ preventScroll: true });
    newest.scrollIntoView({ block: "start" });
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
