import {
  ancestorsRequest,
  applyRestructuringRequest,
  createPostRequest,
  createReductionTargetRequest,
  createTermRequest,
  createUnitRequest,
  endLeadershipRequest,
  getUnitRequest,
  importUnitsRequest,
  lineageRequest,
  linkLeadershipRequest,
  listByUnitRequest,
  listLeadershipRequest,
  listQuotasRequest,
  listRestructuringsRequest,
  listUnitsRequest,
  OrgSubject,
  setQuotasRequest,
  statisticsRequest,
  subtreeRequest,
} from '@contracts/org-structure';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CommonErrorCode } from '@contracts/common';
import { HttpProblem } from '../http/problem';
import { ApiProblems, ApiUnitIdParam, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { Call, type CallContext } from '../http/call-context';
import { RequiresPermission } from '@platform/auth';
import { Permission } from '@contracts/common';
import { validate } from '../http/validation';
import { ServiceClient } from '../messaging/service-client';

type Query = Record<string, unknown>;

/** The organisation structure (ORG-1 … ORG-9): thin HTTP adapters over the org-structure service's subjects. */
@ApiTags('organisation structure')
@ApiBearerAuth()
@Controller('api/v1/org')
export class OrgController {
  constructor(private readonly service: ServiceClient) {}

  @Post('units')
  @ApiOperation({ summary: 'Create a unit (a one-operation restructuring)' })
  @ApiZodBody(createUnitRequest)
  @ApiProblems(409, 422)
  @RequiresPermission(Permission.OrgUnitWrite)
  createUnit(@Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitCreate, validate(createUnitRequest, body, 'body'), call);
  }

  @Get('units')
  @ApiOperation({ summary: 'Find units as of a date (q ignores case and diacritics)' })
  @ApiZodQuery(listUnitsRequest)
  @ApiProblems()
  @RequiresPermission(Permission.OrgUnitRead)
  listUnits(@Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitList, validate(listUnitsRequest, query), call);
  }

  @Get('units/:id')
  @ApiOperation({ summary: 'A unit as it stood on a date, with its former names' })
  @ApiUnitIdParam()
  @ApiZodQuery(getUnitRequest, ['id'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  getUnit(@Param('id') id: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitGet, validate(getUnitRequest, { ...query, id }), call);
  }

  @Get('units/:id/subtree')
  @ApiOperation({ summary: 'Everything under a unit as of a date, in tree order, paged' })
  @ApiUnitIdParam()
  @ApiZodQuery(subtreeRequest, ['id'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  subtree(@Param('id') id: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitSubtree, validate(subtreeRequest, { ...query, id }), call);
  }

  @Get('units/:id/ancestors')
  @ApiOperation({ summary: 'The units above a unit as of a date, from the root down' })
  @ApiUnitIdParam()
  @ApiZodQuery(ancestorsRequest, ['id'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  ancestors(@Param('id') id: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitAncestors, validate(ancestorsRequest, { ...query, id }), call);
  }

  @Get('units/:id/lineage')
  @ApiOperation({ summary: 'Predecessors and successors through restructurings, transitively (ORG-3)' })
  @ApiUnitIdParam()
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  lineage(@Param('id') id: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.unitLineage, validate(lineageRequest, { ...query, id }), call);
  }

  @Get('units/:id/leadership')
  @ApiOperation({ summary: 'Units this unit leads (direction=leads) or that lead it (direction=led_by), ORG-5' })
  @ApiUnitIdParam()
  @ApiZodQuery(listLeadershipRequest, ['id'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  leadership(@Param('id') id: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.leadershipList, validate(listLeadershipRequest, { ...query, id }), call);
  }

  @Post('leadership-links')
  @ApiOperation({ summary: 'Record that one unit leads another from a date (ORG-5)' })
  @ApiZodBody(linkLeadershipRequest)
  @ApiProblems(409, 422)
  @RequiresPermission(Permission.OrgUnitWrite)
  link(@Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.leadershipLink, validate(linkLeadershipRequest, body, 'body'), call);
  }

  @Post('leadership-links/:linkId/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a leadership link on a date' })
  @ApiParam({ name: 'linkId', schema: { type: 'string', format: 'uuid' } })
  @ApiZodBody(endLeadershipRequest.omit({ linkId: true }))
  @ApiProblems(404, 422)
  @RequiresPermission(Permission.OrgUnitWrite)
  endLink(@Param('linkId') linkId: string, @Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.leadershipEnd, validate(endLeadershipRequest, { ...asObject(body), linkId }, 'body'), call);
  }

  @Get('units/:id/posts')
  @ApiOperation({ summary: 'Posts of a unit as of a date, with their seats (ORG-6)' })
  @ApiUnitIdParam()
  @ApiZodQuery(listByUnitRequest, ['unitId'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  posts(@Param('id') unitId: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.postList, validate(listByUnitRequest, { ...query, unitId }), call);
  }

  @Post('units/:id/posts')
  @ApiOperation({ summary: 'Define a post of a unit (ORG-6)' })
  @ApiUnitIdParam()
  @ApiZodBody(createPostRequest.omit({ unitId: true }))
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitWrite)
  createPost(@Param('id') unitId: string, @Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.postCreate, validate(createPostRequest, { ...asObject(body), unitId }, 'body'), call);
  }

  @Get('units/:id/staffing-quotas')
  @ApiOperation({ summary: 'Staffing quotas per year and category (ORG-6)' })
  @ApiUnitIdParam()
  @ApiZodQuery(listQuotasRequest, ['unitId'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  quotas(@Param('id') unitId: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.quotaList, validate(listQuotasRequest, { ...query, unitId }), call);
  }

  @Put('units/:id/staffing-quotas/:year')
  @ApiOperation({ summary: 'Set the quotas (and actual headcount) of a year; replaces that year\'s categories given' })
  @ApiUnitIdParam()
  @ApiParam({ name: 'year', schema: { type: 'integer', minimum: 1945, maximum: 2200 } })
  @ApiZodBody(setQuotasRequest.omit({ unitId: true, year: true }))
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitWrite)
  setQuotas(@Param('id') unitId: string, @Param('year') year: string, @Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.quotaSet, validate(setQuotasRequest, { ...asObject(body), unitId, year }, 'body'), call);
  }

  @Get('units/:id/reduction-targets')
  @ApiOperation({ summary: 'Staff-reduction targets with progress against recorded headcount (ORG-6)' })
  @ApiUnitIdParam()
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  reductionTargets(@Param('id') unitId: string, @Call() call: CallContext) {
    return this.service.send(OrgSubject.reductionTargetList, validate(listByUnitRequest.pick({ unitId: true }), { unitId }, 'path'), call);
  }

  @Post('units/:id/reduction-targets')
  @ApiOperation({ summary: 'Set a staff-reduction target (ORG-6)' })
  @ApiUnitIdParam()
  @ApiZodBody(createReductionTargetRequest)
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitWrite)
  createReductionTarget(@Param('id') unitId: string, @Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(
      OrgSubject.reductionTargetCreate,
      validate(createReductionTargetRequest, { ...asObject(body), unitId }, 'body'),
      call,
    );
  }

  @Get('units/:id/terms')
  @ApiOperation({ summary: 'Terms of a party committee; with asOf, the term running on that date (ORG-7)' })
  @ApiUnitIdParam()
  @ApiZodQuery(listByUnitRequest, ['unitId'])
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  terms(@Param('id') unitId: string, @Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.termList, validate(listByUnitRequest, { ...query, unitId }), call);
  }

  @Post('units/:id/terms')
  @ApiOperation({ summary: 'Record a committee term (ORG-7)' })
  @ApiUnitIdParam()
  @ApiZodBody(createTermRequest)
  @ApiProblems(409, 422)
  @RequiresPermission(Permission.OrgUnitWrite)
  createTerm(@Param('id') unitId: string, @Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.termCreate, validate(createTermRequest, { ...asObject(body), unitId }, 'body'), call);
  }

  @Post('restructurings')
  @ApiOperation({ summary: 'Apply a dated set of restructuring operations citing a decision; all or nothing (ORG-3, ORG-4)' })
  @ApiZodBody(applyRestructuringRequest)
  @ApiProblems(409, 422)
  @RequiresPermission(Permission.OrgUnitRestructure)
  restructure(@Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.restructuringApply, validate(applyRestructuringRequest, body, 'body'), call);
  }

  @Get('restructurings')
  @ApiOperation({ summary: 'Restructurings, by unit and effective-date range' })
  @ApiZodQuery(listRestructuringsRequest)
  @ApiProblems()
  @RequiresPermission(Permission.OrgUnitRead)
  restructurings(@Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.restructuringList, validate(listRestructuringsRequest, query), call);
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Counts by level, kind and block under a unit at a date, and the change to another date (ORG-8)' })
  @ApiZodQuery(statisticsRequest)
  @ApiProblems(404)
  @RequiresPermission(Permission.OrgUnitRead)
  statistics(@Query() query: Query, @Call() call: CallContext) {
    return this.service.send(OrgSubject.statistics, validate(statisticsRequest, query), call);
  }

  @Post('imports')
  @ApiOperation({
    summary: 'Bulk import of a unit tree (JSON rows or CSV text); idempotent on unit code; all or nothing',
  })
  @ApiZodBody(importUnitsRequest)
  @ApiProblems(413, 422)
  @RequiresPermission(Permission.OrgUnitRestructure)
  import(@Body() body: unknown, @Call() call: CallContext) {
    return this.service.send(OrgSubject.importUnits, validate(importUnitsRequest, body, 'body'), call);
  }
}

/** Path parameters are merged into the body, which must be a JSON object. */
function asObject(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new HttpProblem(400, CommonErrorCode.ValidationFailed, 'The request is invalid', 'Invalid body', {
    errors: [{ path: '', message: 'the body must be a JSON object' }],
  });
}
