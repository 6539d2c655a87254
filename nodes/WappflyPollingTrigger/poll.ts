/**
 * The poll of the Wappfly Polling Trigger.
 *
 * `GET /api/messages/recent` lists the latest messages of the line, sent and received, each with a
 * row `id` that grows with every message Wappfly stores. Between polls the trigger keeps one
 * number, the cursor: the highest `id` it has dealt with. It lives in the node's static data,
 * which n8n saves with the workflow (after the activation and whenever a poll starts an
 * execution), so nothing is kept in memory and a restart of n8n resumes where it stopped.
 */
import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import {
	compileFilters,
	filterOut,
	readRecentMessage,
	type MessageFilters,
	type PolledMessage,
} from '../shared/message';
import { wappflyApiRequest } from '../shared/transport';
import type { PollingOptions } from './properties';

/** Messages read per poll: the most `/api/messages/recent` returns. */
export const PAGE_SIZE = 100;

/** Well below n8n's shortest poll interval (a minute), so that polls do not pile up. */
const POLL_TIMEOUT_MS = 30_000;

const NODE_LABEL = 'Wappfly Polling Trigger';

export interface Gap {
	/** The cursor: the last message ID dealt with before the gap. */
	afterId: number;
	/** The oldest message ID of the page that revealed the gap. */
	beforeId: number;
}

interface PollStaticData extends IDataObject {
	/** The cursor. */
	lastId?: number;
	/** A gap not reported yet because no message passed the options since. */
	pendingGap?: IDataObject;
}

export interface RecentPage {
	/** How many rows Wappfly returned, readable or not. */
	rows: number;
	messages: PolledMessage[];
	/** Why rows could not be read. */
	problems: string[];
}

/** Reads the answer of `/api/messages/recent`; undefined when it is not a list. */
export function readRecentPage(body: unknown): RecentPage | undefined {
	if (!Array.isArray(body)) return undefined;
	const page: RecentPage = { rows: body.length, messages: [], problems: [] };
	for (const row of body) {
		const read = readRecentMessage(row);
		if (read.ok) page.messages.push(read.message);
		else page.problems.push(read.reason);
	}
	return page;
}

export interface PollPlan {
	/** Messages above the cursor, oldest first, each once. */
	fresh: PolledMessage[];
	/** The cursor to keep. */
	cursor: number;
	/** There was no cursor: it starts at the newest message and nothing is emitted. */
	baseline?: true;
	/**
	 * The page was full and all of it above the cursor (and not right after it): messages in
	 * between may be missing.
	 */
	gap?: Gap;
	/** The newest message is below the cursor (another line, or its messages were removed). */
	rewound?: { from: number; to: number };
}

/** What a poll emits and where the cursor goes. Pure. */
export function planPoll(
	page: RecentPage,
	cursor: number | undefined,
	pageSize: number = PAGE_SIZE,
): PollPlan {
	const byId = new Map(page.messages.map((message) => [message.id, message]));
	const ids = [...byId.keys()];
	const newest = ids.length ? Math.max(...ids) : undefined;
	if (cursor === undefined) return { fresh: [], cursor: newest ?? 0, baseline: true };
	if (newest === undefined) return { fresh: [], cursor };
	// Left as is, the cursor would hide every new message until the IDs caught up with it.
	if (newest < cursor) return { fresh: [], cursor: newest, rewound: { from: cursor, to: newest } };

	const fresh = ids
		.filter((id) => id > cursor)
		.sort((a, b) => a - b)
		.map((id) => byId.get(id)!);
	const plan: PollPlan = { fresh, cursor: newest };
	// No ID lies between the cursor and cursor + 1: then nothing can be missing.
	const oldest = Math.min(...ids);
	if (fresh.length > 0 && page.rows >= pageSize && oldest > cursor + 1) {
		plan.gap = { afterId: cursor, beforeId: oldest };
	}
	return plan;
}

function storedCursor(value: unknown): number | undefined {
	const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
	return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

function storedGap(value: unknown): Gap | undefined {
	const gap = value as Partial<Gap> | undefined;
	return typeof gap?.afterId === 'number' && typeof gap.beforeId === 'number'
		? { afterId: gap.afterId, beforeId: gap.beforeId }
		: undefined;
}

function toItem(message: PolledMessage): INodeExecutionData {
	return { json: { ...message, possibleGap: false } };
}

function compileOrThrow(this: IPollFunctions, options: PollingOptions): MessageFilters {
	const compiled = compileFilters({
		ignoreGroups: options.ignoreGroups,
		chats: options.chats,
		messageTypes: options.messageTypes,
	});
	if (!compiled.ok) {
		// All in the message: n8n shows only the message of an error that fails an activation.
		throw new NodeOperationError(
			this.getNode(),
			`The options of the ${NODE_LABEL} are not valid: ${compiled.problems.join('; ')}`,
			{ description: compiled.problems.join('\n') },
		);
	}
	return compiled.filters;
}

/** A manual run in the editor: the newest message that passes the options, cursor untouched. */
function latest(
	this: IPollFunctions,
	page: RecentPage,
	passes: (message: PolledMessage) => boolean,
): INodeExecutionData[][] {
	const newest = [...page.messages].sort((a, b) => b.id - a.id).find(passes);
	if (newest) return [[toItem(newest)]];
	throw new NodeOperationError(
		this.getNode(),
		page.messages.length
			? `None of the latest ${page.messages.length} messages of the line passes the options`
			: 'The line has no messages yet',
		{
			description:
				"Send a WhatsApp message to the line's number, then fetch a test event again" +
				(page.messages.length ? ', or change the options.' : '.'),
		},
	);
}

export async function pollMessages(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = this.getNodeParameter('options', {}) as PollingOptions;
	const filters = compileOrThrow.call(this, options);
	const passes = (message: PolledMessage) =>
		(options.includeFromMe === true || !message.fromMe) &&
		filterOut(message, filters) === undefined;

	const body = await wappflyApiRequest.call(this, {
		method: 'GET',
		path: '/api/messages/recent',
		qs: { limit: PAGE_SIZE },
		timeoutMs: POLL_TIMEOUT_MS,
	});
	const page = readRecentPage(body);
	if (page === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			'Wappfly answered GET /api/messages/recent with something that is not a list of messages',
			{
				description:
					'The Base URL of the Wappfly credential may not point at the Wappfly API: check it.',
			},
		);
	}
	for (const problem of page.problems) {
		this.logger.warn(`${NODE_LABEL} skipped a message it could not read: ${problem}`);
	}

	if (this.getMode() === 'manual') return latest.call(this, page, passes);

	// The cursor is read after the request and written without an await in between: two polls
	// that overlap can never emit the same message.
	const data = this.getWorkflowStaticData('node') as PollStaticData;
	const plan = planPoll(page, storedCursor(data.lastId));
	if (data.lastId !== plan.cursor) data.lastId = plan.cursor;
	if (plan.rewound) {
		this.logger.warn(
			`${NODE_LABEL}: the newest message (ID ${plan.rewound.to}) is older than the last one seen (ID ${plan.rewound.from}); the credential may now be another line's. Continuing from ID ${plan.rewound.to}.`,
		);
	}

	let gap = storedGap(data.pendingGap);
	if (plan.gap) {
		this.logger.warn(
			`${NODE_LABEL}: messages with an ID between ${plan.gap.afterId} and ${plan.gap.beforeId} may have been missed: more than ${PAGE_SIZE} messages arrived between two polls. Poll more often.`,
		);
		gap = gap
			? {
					afterId: Math.min(gap.afterId, plan.gap.afterId),
					beforeId: Math.max(gap.beforeId, plan.gap.beforeId),
				}
			: plan.gap;
	}

	const items = plan.fresh.filter(passes).map(toItem);
	if (gap && items.length === 0) {
		// Reported on the next message that passes the options.
		if (plan.gap) data.pendingGap = { ...gap };
	} else if (gap) {
		Object.assign(items[0].json, {
			possibleGap: true,
			gapAfterId: gap.afterId,
			gapBeforeId: gap.beforeId,
		});
		if (data.pendingGap !== undefined) delete data.pendingGap;
	}
	return items.length ? [items] : null;
}
