import type { Workflow } from '../test/e2e/lib/examples';

export interface DemoOptions {
	port: number;
	sandboxPort: number;
	n8n: '1' | '2';
	dataDir: string;
	help: boolean;
}

/** Reads `--port`, `--sandbox-port`, `--n8n`, `--data-dir`, `--help` (and WAPPFLY_DEMO_*); throws on a bad one. */
export function parseArgs(
	argv: string[],
	environment?: Record<string, string | undefined>,
): DemoOptions;

/** The examples as the demo imports them (invoice read from `filesDir/invoices`), and the one it activates. */
export function demoWorkflows(filesDir: string): { workflows: Workflow[]; autoReply: Workflow };

/** The credential the examples use, pointing at the sandbox. */
export function demoCredential(sandboxUrl: string): {
	id: string;
	name: string;
	type: 'wappflyApi';
	data: { apiToken: string; baseUrl: string };
};

/** The curl command the demo prints to send an inbound message into the sandbox. */
export function inboundCurl(sandboxUrl: string): string;

export const OWNER: Readonly<{
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}>;
export const SANDBOX_TOKEN: string;
