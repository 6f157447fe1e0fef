// Labels on the wall must not sit on each other: after the map moves or a
// label changes, labels are laid out by importance (overdue incidents, then
// by grade, then teams on the move, …) and any that would overlap one
// already placed is hidden until there is room. One pass per frame at most.

export function declutter(map) {
  let frame = 0;
  const layout = () => {
    frame = 0;
    const els = [...map.getContainer().querySelectorAll('.maplabel')];
    // Reset, then measure the ones that may show.
    for (const el of els) el.classList.remove('collide');
    const shown = els.filter((el) => !el.classList.contains('below-zoom') && el.offsetParent !== null)
      .map((el) => ({ el, p: Number(el.dataset.priority || 0), r: el.getBoundingClientRect() }))
      .sort((a, b) => b.p - a.p);
    const placed = [];
    for (const l of shown) {
      const hit = placed.some((r) => l.r.left < r.right && l.r.right > r.left && l.r.top < r.bottom && l.r.bottom > r.top);
      if (hit) l.el.classList.add('collide'); else placed.push(l.r);
    }
  };
  const later = () => { if (!frame) frame = requestAnimationFrame(layout); };
  map.on('moveend', later);
  map.on('sitrep:labels', later);
  // A layer switched off in the legend frees room for others.
  map.getContainer().addEventListener('sitrep:layers', later);
  return later;
}
