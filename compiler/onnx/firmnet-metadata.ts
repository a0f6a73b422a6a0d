/**
 * The metadata_props keys firmnet writes into an exported ONNX model and reads back on import, so
 * `firmnet export` then `firmnet import` restores the model's name, task, head and column names.
 * Both directions use this one table; a key spelled differently on one side would silently drop
 * that field on the round trip.
 */
export const METADATA_KEYS = {
  name: 'firmnet.name',
  task: 'firmnet.task',
  head: 'firmnet.head',
  featureNames: 'firmnet.featureNames',
  labelColumns: 'firmnet.labelColumns',
  classNames: 'firmnet.classNames',
  anomaly: 'firmnet.anomaly',
} as const;
