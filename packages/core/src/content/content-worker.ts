/**
 * Worker-thread entry: builds the scanners once from the settings it is started with, then
 * answers one message per file with that file's content results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ContentScanSettings } from './content-types.js';
import { createFileScanners, scanFileContent, type FileScanners } from './scan-file.js';

const settings = workerData as ContentScanSettings;
const scanners = createFileScanners(settings);
let withoutSecrets: FileScanners | undefined;

parentPort?.on('message', (msg: { id: number; path: string; content: Uint8Array; secrets: boolean }) => {
  try {
    const content = Buffer.from(msg.content.buffer, msg.content.byteOffset, msg.content.byteLength);
    const chosen = msg.secrets ? scanners : (withoutSecrets ??= createFileScanners({ ...settings, secrets: false }));
    parentPort?.postMessage({ id: msg.id, results: scanFileContent(chosen, msg.path, content) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
