import { limitField, timeoutOnlyOptions } from '../common.descriptions';
import { getInteger, getTimeout } from '../parameters';
import type { WappflyOperation } from '../types';

export const getRecent: WappflyOperation = {
	read: true,
	properties: [
		{
			...limitField(100),
			default: 20,
			description: 'Max number of messages to return, newest first, across all chats',
		},
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const limit = getInteger.call(this, itemIndex, 'limit', 'Limit', 1, 100);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return {
			buildRequest: () => ({
				method: 'GET',
				path: '/api/messages/recent',
				qs: { limit },
				timeoutMs,
			}),
		};
	},
};
