export const childProcess: typeof import('node:child_process');
export const crypto: typeof import('node:crypto');
export const fs: typeof import('node:fs');
export const fsp: typeof import('node:fs/promises');
export const http: typeof import('node:http');
export const net: typeof import('node:net');
export const os: typeof import('node:os');
export const path: typeof import('node:path');
export const util: typeof import('node:util');
export const zlib: typeof import('node:zlib');
export const env: NodeJS.ProcessEnv;
/** The project's root folder (where package.json is). */
export const projectRoot: string;
export function sleep(ms: number): Promise<void>;
export function startTimer(callback: () => void, ms: number): NodeJS.Timeout;
export function stopTimer(timer: NodeJS.Timeout): void;
export function spawnNodeScript(
	relativePath: string,
	args: string[],
	options: import('node:child_process').SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'>,
): import('node:child_process').ChildProcessByStdio<
	null,
	import('node:stream').Readable,
	import('node:stream').Readable
>;
export function print(line: string): void;
export function memoryUsage(): NodeJS.MemoryUsage;
export function gc(): void;
