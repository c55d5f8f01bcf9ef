// Kiosk: after a spell without a touch, count down in view, then wipe the visit and start again.
const body = document.body;
const idleSeconds = Number(body.dataset.idleSeconds || 90);
const countdownSeconds = Number(body.dataset.countdownSeconds || 20);
const dialog = document.getElementById("np-idle");
const shown = document.getElementById("np-idle-seconds");
let idleTimer;
let countdownTimer;

function startAgain() {
  // replace, not assign: the wipe leaves no page of this visit to go Back to
  window.location.replace(body.dataset.resetUrl || "/kiosk/reset");
}

function countDown() {
  let left = countdownSeconds;
  shown.textContent = String(left);
  dialog.showModal();
  countdownTimer = window.setInterval(() => {
    left -= 1;
    shown.textContent = String(Math.max(left, 0));
    if (left <= 0) {
      window.clearInterval(countdownTimer);
      startAgain();
    }
  }, 1000);
}

function stillHere() {
  window.clearTimeout(idleTimer);
  window.clearInterval(countdownTimer);
  if (dialog.open) dialog.close();
  idleTimer = window.setTimeout(countDown, idleSeconds * 1000);
}

for (const event of ["pointerdown", "keydown", "htmx:afterRequest"]) {
  document.addEventListener(event, () => { if (!dialog.open) stillHere(); });
}
document.getElementById("np-idle-stay").addEventListener("click", stillHere);
stillHere();
