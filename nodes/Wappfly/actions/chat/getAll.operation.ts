import type { IDataObject } from 'n8n-workflow';

import { limitField, timeoutOnlyOptions } from '../common.descriptions';
import { getInteger, getTimeout } from '../parameters';
import type { WappflyOperation } from '../types';

export const getAll: WappflyOperation = {
	read: true,
	properties: [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{ ...limitField(1000), displayOptions: { show: { returnAll: [false] } } },
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll
			? undefined
			: getInteger.call(this, itemIndex, 'limit', 'Limit', 1, 1000);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return {
			buildRequest: () => ({ method: 'GET', path: '/api/chats', timeoutMs }),
			// The API returns every chat at once; the limit is applied here.
			toItems: (response) => (response as IDataObject[]).slice(0, limit),
		};
	},
};
