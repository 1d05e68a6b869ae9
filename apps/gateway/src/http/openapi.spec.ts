import { ORG_ROUTES, unitRef } from '@contracts/org-structure';
import { jsonSchemaOf, operationDocOf, responseSchemaOf } from './openapi';

describe('the OpenAPI entries of table routes', () => {
  it('take path parameters out of the body and document them as path parameters', () => {
    const doc = operationDocOf(ORG_ROUTES.reductionTargetCreate);
    expect(doc.params?.map((param) => param.name)).toEqual(['id']);
    expect(Object.keys((doc.body as { properties: object }).properties)).not.toContain('unitId');
    expect((doc.body as { required: string[] }).required).not.toContain('unitId');
    expect(doc.query).toBeUndefined();
  });

  it('take path parameters out of the query', () => {
    const doc = operationDocOf(ORG_ROUTES.unitGet);
    expect(Object.keys((doc.query as { properties: object }).properties)).toEqual(['asOf']);
    expect(doc.success).toMatchObject({ status: 200 });
  });

  it('write nullable unions the way OpenAPI 3.0 reads them', () => {
    const schema = jsonSchemaOf(unitRef.nullable()) as { nullable?: boolean; anyOf: Array<{ nullable?: boolean; type?: string }> };
    expect(schema.nullable).toBeUndefined();
    expect(schema.anyOf.every((member) => member.nullable === true && member.type === 'object')).toBe(true);
  });

  it('leave answers open to fields added later', () => {
    expect(JSON.stringify(responseSchemaOf(ORG_ROUTES.unitGet.response))).not.toContain('additionalProperties":false');
  });
});
