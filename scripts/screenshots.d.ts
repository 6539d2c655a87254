/** Types of scripts/screenshots.js (see its header comment). */

export interface ConsoleEntry {
	/** 'error' | 'warning' | 'pageerror' (an uncaught exception in the page) */
	type: string;
	text: string;
	/** Where the message came from: the script, or the resource that failed to load. */
	url: string;
	/** What the script was doing then. */
	step: string;
}

export interface CanvasNode {
	name: string;
	type: string;
	text: string;
	/** n8n shows "?" or a "not installed" marker instead of the node. */
	placeholder: boolean;
	icons: Array<{ src: string; loaded: boolean }>;
}

export interface PanelReport {
	nodeName: string;
	/** innerText of the whole node panel (NDV). */
	text: string;
	/** innerText of its Parameters tab. */
	parametersText: string;
	/** Names of the parameters that have an input (`parameter-input-<name>`). */
	parameterInputs: string[];
	/** What each of them shows: its input values and text, joined with ' | '. */
	parameterValues: Record<string, string>;
	/** Placeholders of the inputs of the Parameters tab ("Add option", "Select a chat..."). */
	placeholders: string[];
	/** The credential selected in the panel. */
	credential: string;
	notInstalled: boolean;
	screenshot: string | undefined;
}

export interface ScreenshotReport {
	outDir: string;
	/** Screenshot name (without .png) -> absolute path. */
	files: Record<string, string>;
	/** Our node types on the main workflow, from package.json's `n8n.nodes` (not the polling trigger). */
	nodeTypes: string[];
	hasTrigger: boolean;
	/** Whether package.json lists the Wappfly Polling Trigger (then wappfly-polling-trigger.png is taken). */
	hasPollingTrigger: boolean;
	canvas: CanvasNode[];
	/** The same canvas in n8n's dark theme. */
	canvasDark: CanvasNode[];
	/** Each examples/*.json workflow as the editor showed it. */
	examples: Array<{
		file: string;
		id: string;
		name: string;
		types: string[];
		canvas: CanvasNode[];
	}>;
	/** By node name. */
	panels: Record<string, PanelReport>;
	credentialDialog: { text: string; tested: boolean };
	nodePicker: { text: string };
	/** The Send Document step, run from its panel. */
	execution: { ok: boolean; text: string };
	/** What the Wappfly contract server received. */
	apiRequests: Array<{ method: string; path: string; status: number; body?: unknown }>;
	console: ConsoleEntry[];
	failedResponses: Array<{ status: number; url: string; method: string; step: string }>;
	failedRequests: Array<{ url: string; method: string; error: string; step: string }>;
	/** Requests of the editor to other hosts than n8n's (refused by the script). */
	externalRequests: Array<{ url: string; step: string }>;
	/** What `n8n start` printed (log level warn). */
	n8nLog: string;
	notes: string[];
	/** ms per phase */
	timings: Record<string, number>;
	/** The Chrome version in the browser's user agent, e.g. '153.0.8010.0'. */
	browserVersion: string;
}

export function takeScreenshots(opts?: {
	/** Default: docs/screenshots of the project. */
	outDir?: string;
	projectDir?: string;
	/** Default: $WAPPFLY_CHROMIUM, else the npm package @sparticuz/chromium's (ensureChromium). */
	chromium?: string;
	/** Keep the n8n user folder. */
	keep?: boolean;
	log?: (line: string) => void;
}): Promise<ScreenshotReport>;

/**
 * What n8n 1.123's editor reports by itself on a fresh community-edition instance (a 403 of the
 * unlicensed AI assistant, a 404 for the last successful execution of a never-run workflow, the
 * node picker's npm lookup of the package, refused by the script), each with the reason.
 */
export function knownN8nNoise(
	packageName: string,
): Array<{ why: string; matches: (entry: { url: string; text?: string }) => boolean }>;

/** Console errors, page errors, failed and outside requests of a report that are not known noise. */
export function unexpectedBrowserProblems(report: ScreenshotReport, packageName: string): string[];

export const NAMES: {
	manual: string;
	read: string;
	send: string;
	trigger: string;
	reply: string;
};

export const NOT_INSTALLED: RegExp;

