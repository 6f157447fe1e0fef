// A refused request's field errors, shown where a person looks: each JSON
// Pointer the API names goes to the form field that holds it (the slot whose
// data-for is the pointer or its nearest parent), and anything without a
// field on the form is listed by the field's label, never by its pointer.

// Clears what an earlier refusal marked.
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-err')) el.textContent = '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
}

function slotFor(form, pointer) {
  for (let p = pointer; p; p = p.slice(0, p.lastIndexOf('/'))) {
    const slot = form.querySelector(`.field-err[data-for="${CSS.escape(p)}"]`);
    if (slot) return slot;
  }
  return null;
}

// Places problem's field errors in form; returns the messages it could not
// place, each "标签：说明" (labels: pointer → Chinese label for those).
export function placeFieldErrors(form, problem, labels = {}) {
  clearFieldErrors(form);
  const rest = [];
  for (const [field, detail] of problem?.fields || []) {
    const slot = slotFor(form, field);
    if (slot) {
      slot.textContent += `${slot.textContent ? '；' : ''}${detail}`;
      slot.closest('.field')?.classList.add('invalid');
    } else {
      const key = Object.keys(labels).filter((k) => field === k || field.startsWith(k + '/')).sort((a, b) => b.length - a.length)[0];
      rest.push(`${key ? labels[key] : '其他输入'}：${detail}`);
    }
  }
  form.querySelector('.invalid input, .invalid select, .invalid textarea')?.focus();
  return rest;
}

// One line for the message box: the problem's own text when nothing was
// placed at a field; otherwise a pointer to the marked fields and whatever
// had no field of its own (so no detail is printed twice).
export function summary(problem, rest) {
  const placed = (problem?.fields?.size || 0) - rest.length;
  if (!placed) return [problem.message, ...rest].join('；');
  return [`请检查标出的 ${placed} 项输入`, ...rest].join('；');
}
