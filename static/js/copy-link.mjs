// "Copy link" buttons (progressive enhancement): a button with data-copy-target names the
// input whose value it copies. Without JavaScript the button stays hidden and the officer
// selects the text of the field.
for (const button of document.querySelectorAll("button[data-copy-target]")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Link copied.";
    } catch {
      field.select();
      if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected link.";
    }
  });
}
