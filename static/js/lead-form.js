// The lead form answers a refusal (400, 403, 429) with the form and its message:
// swap it in place like a success, so the visitor reads why, and the results stay.
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (form && form.id === "lead-form" && [400, 403, 429].includes(event.detail.xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
