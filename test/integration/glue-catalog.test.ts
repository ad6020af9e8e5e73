import { CreateDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { describe } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { DynamoDbKeyValueStore } from '../../src/adapters/aws/dynamodb-key-value.ts';
import { GlueCatalog } from '../../src/adapters/aws/glue-catalog.ts';
import { catalogContract } from '../contract/catalog.contract.ts';
import { awsEmulator, awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createKeyValueTable } from '../support/aws-resources.ts';

describe.skipIf(awsTierSkipped)('Glue over HTTP', () => {
  catalogContract(`GlueCatalog against ${awsEmulator}`, async () => {
    await resetEmulator();
    const namespace = uniqueName('quotelab_contract').replace(/-/g, '_');
    const client = new GlueClient(awsClientSettings());
    await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: namespace } }));
    const stateTable = uniqueName('quotelab-state');
    await createKeyValueTable(stateTable);
    const locks = new DynamoDbKeyValueStore({ tableName: stateTable });
    return { catalog: new GlueCatalog({ client, locks }), namespace };
  });
});
