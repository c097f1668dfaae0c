// "tout sélectionner": ticks or unticks every box of the list it names.
document.querySelectorAll("[data-select-all]").forEach((master) => {
  master.addEventListener("change", () => {
    const form = master.closest("form");
    form.querySelectorAll(`input[type=checkbox][name="${master.dataset.selectAll}"]`).forEach((box) => {
      box.checked = master.checked;
    });
  });
});
