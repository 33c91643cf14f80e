/** Two simulcast layers, 180p and 360p: what the layer-choice tests publish. */
export const TWO_LAYERS = [
  { rid: 'l', width: 320, height: 180, kbps: 150 },
  { rid: 'h', width: 640, height: 360, kbps: 600 },
];
