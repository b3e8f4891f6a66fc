// Pages that follow background work (an import in progress) reload themselves every few
// seconds, replacing a <meta http-equiv="refresh">, which the user could not stop (WCAG 2.2.1,
// axe "meta-refresh"). A "Stop refreshing" button pauses it; without JavaScript the page
// offers its "Refresh now" link instead.
const box = document.querySelector("[data-auto-refresh]");
if (box) {
  const seconds = Number(box.dataset.autoRefresh) || 2;
  const button = box.querySelector("button[data-auto-refresh-toggle]");
  const status = box.querySelector("[data-auto-refresh-status]");
  let timer = null;
  const start = () => {
    timer = window.setTimeout(() => window.location.reload(), seconds * 1000);
    if (button) button.textContent = "Stop refreshing";
    if (status) status.textContent = `This page refreshes itself every ${seconds} seconds.`;
  };
  const stop = () => {
    window.clearTimeout(timer);
    timer = null;
    if (button) button.textContent = "Refresh every few seconds";
    if (status) status.textContent = "Automatic refresh is off.";
  };
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => (timer ? stop() : start()));
  }
  start();
}
