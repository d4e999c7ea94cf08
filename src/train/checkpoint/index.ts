export {
  INDEX_FILE, latestCheckpoint, readCheckpoint, readCheckpointHeader, readCheckpointIndex, saveCheckpoint, writeFileAtomic,
  captureModelState, restoreModelState, saveModelCheckpoint, restoreModelCheckpoint, modelRandoms, slotTensorName,
  type CheckpointIndex, type SaveCheckpointOptions, type RestoreOptions,
} from './checkpoint.ts';
export { encodeCheckpoint, decodeCheckpoint, decodeHeader, type CheckpointData, type CheckpointHeader, type TensorEntry } from './format.ts';
