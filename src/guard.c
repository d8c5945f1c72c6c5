/*-------------------------------------------------------------------------
 *
 * guard.c
 *	  rbac.check_schema(): the first statement of the 1.0--1.1 script, so of
 *	  every install of 1.1 (SPEC 5.1).
 *
 *	  rbac is trusted: a role that is not a superuser may install it, and a
 *	  superuser later runs its functions.  CREATE EXTENSION uses an existing
 *	  schema "rbac" whoever made it, and whoever controls that schema could
 *	  put functions in it that rbac's code or its callers would find.  So a
 *	  fresh install accepts the schema only if CREATE EXTENSION created it
 *	  in this transaction, or a superuser owns it, it holds nothing else and
 *	  it grants CREATE to no one else (what a restore of pg_dump's output
 *	  gives); anything else fails with 42P06 and nothing is installed.  The
 *	  script then gives the schema to the role running it (the bootstrap
 *	  superuser, for a trusted install) and takes CREATE on it from everyone
 *	  else, so that later no one else can add to it or rename it.
 *
 *	  An update from 1.0 cannot undo what was done before it; it warns about
 *	  objects in the schema that are not the extension's (1.1's own calls
 *	  are all type-exact, so they never reach them).
 *
 *-------------------------------------------------------------------------
 */
#include "rbac.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(rbac_check_schema);

/* Was this catalog tuple written by the current transaction? */
static bool
written_here(HeapTuple tup)
{
	return TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tup->t_data));
}

/*
 * Did the current transaction create the schema?  Every version of its
 * pg_namespace row must be this transaction's: rbac--1.0.sql's GRANT
 * rewrites the row of a schema that existed before too, and the version it
 * replaced stays visible to SnapshotAny until this transaction ends.
 */
static bool
schema_created_here(Oid nsp)
{
	Relation	rel = table_open(NamespaceRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		here = true;
	bool		seen = false;

	ScanKeyInit(&key, Anum_pg_namespace_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(nsp));
	scan = systable_beginscan(rel, NamespaceOidIndexId, true, SnapshotAny, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		seen = true;
		here &= written_here(tup);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return seen && here;
}

/* Is an object of a catalog, found in the schema, one to count? */
static bool
counts(Oid catalog, HeapTuple tup)
{
	if (catalog == RelationRelationId)
	{
		char		kind = ((Form_pg_class) GETSTRUCT(tup))->relkind;

		/* indexes and TOAST tables go with their table */
		return kind != RELKIND_INDEX && kind != RELKIND_PARTITIONED_INDEX &&
			kind != RELKIND_TOASTVALUE;
	}
	if (catalog == TypeRelationId)
	{
		Form_pg_type t = (Form_pg_type) GETSTRUCT(tup);

		/* row types go with their relation, arrays with their element */
		return !OidIsValid(t->typrelid) &&
			!(t->typcategory == TYPCATEGORY_ARRAY && OidIsValid(t->typelem)) &&
			t->typtype != TYPTYPE_MULTIRANGE;
	}
	return true;
}

/* How many objects of one catalog in the schema are not the extension's? */
static int
foreign_objects(Oid catalog, AttrNumber nsp_att, AttrNumber oid_att,
				Oid nsp, Oid extension)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int			n = 0;

	ScanKeyInit(&key, nsp_att, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(nsp));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Oid			objid = DatumGetObjectId(heap_getattr(tup, oid_att,
														  RelationGetDescr(rel), &isnull));

		if (counts(catalog, tup) && getExtensionOfObject(catalog, objid) != extension)
			n++;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return n;
}

/* Objects in the schema that are not the extension's: relations, types, functions, operators. */
static int
all_foreign_objects(Oid nsp, Oid extension)
{
	return foreign_objects(RelationRelationId, Anum_pg_class_relnamespace,
						   Anum_pg_class_oid, nsp, extension) +
		foreign_objects(TypeRelationId, Anum_pg_type_typnamespace,
						Anum_pg_type_oid, nsp, extension) +
		foreign_objects(ProcedureRelationId, Anum_pg_proc_pronamespace,
						Anum_pg_proc_oid, nsp, extension) +
		foreign_objects(OperatorRelationId, Anum_pg_operator_oprnamespace,
						Anum_pg_operator_oid, nsp, extension);
}

/* Does the schema's ACL give CREATE to anyone but its owner and superusers? */
static bool
others_may_create(HeapTuple nsptup)
{
	Form_pg_namespace n = (Form_pg_namespace) GETSTRUCT(nsptup);
	bool		isnull;
	Datum		d = SysCacheGetAttr(NAMESPACEOID, nsptup, Anum_pg_namespace_nspacl, &isnull);
	Acl		   *acl;
	AclItem    *items;

	if (isnull)
		return false;
	acl = DatumGetAclP(d);
	items = ACL_DAT(acl);
	for (int i = 0; i < ACL_NUM(acl); i++)
	{
		Oid			grantee = items[i].ai_grantee;

		if ((ACLITEM_GET_PRIVS(items[i]) & ACL_CREATE) == 0 || grantee == n->nspowner)
			continue;
		if (grantee == ACL_ID_PUBLIC || !superuser_arg(grantee))
			return true;
	}
	return false;
}

/* rbac.check_schema(): refuse a schema rbac that someone else controls */
Datum
rbac_check_schema(PG_FUNCTION_ARGS)
{
	Oid			extension = CurrentExtensionObject;
	Oid			nsp;
	Oid			permission;
	HeapTuple	tup;
	bool		fresh;

	if (!creating_extension || !OidIsValid(extension))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("rbac.check_schema() may only be called by CREATE EXTENSION or ALTER EXTENSION")));
	nsp = rbac_extension_namespace(extension);
	if (!OidIsValid(nsp) || get_namespace_oid("rbac", true) != nsp)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension rbac is not in schema \"rbac\""),
				 errdetail("Its schema was renamed, or another schema took the name \"rbac\"."),
				 errhint("Rename the schemas back before updating rbac.")));

	/* a fresh install: 1.0's tables were created by this very transaction */
	permission = get_relname_relid("permission", nsp);
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(permission));
	fresh = HeapTupleIsValid(tup) && written_here(tup);
	if (HeapTupleIsValid(tup))
		ReleaseSysCache(tup);

	tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for namespace %u", nsp);
	if (fresh && !schema_created_here(nsp))
	{
		Oid			owner = ((Form_pg_namespace) GETSTRUCT(tup))->nspowner;
		int			foreign = all_foreign_objects(nsp, extension);
		const char *problem = NULL;

		if (!superuser_arg(owner))
			problem = psprintf("It is owned by role \"%s\", who is not a superuser.",
							   GetUserNameFromId(owner, false));
		else if (foreign > 0)
			problem = psprintf("It holds %d objects that are not part of extension rbac.",
							   foreign);
		else if (others_may_create(tup))
			problem = "Roles other than its owner and superusers may create objects in it.";
		if (problem != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_SCHEMA),
					 errmsg("schema \"rbac\" already exists"),
					 errdetail("%s Whoever controls schema \"rbac\" could take over rbac's functions.",
							   problem),
					 errhint("Drop or rename schema \"rbac\", then run CREATE EXTENSION rbac again.")));
	}
	else if (!fresh)
	{
		int			foreign = all_foreign_objects(nsp, extension);

		if (foreign > 0)
			ereport(WARNING,
					(errmsg("schema \"rbac\" holds %d objects that are not part of extension rbac",
							foreign),
					 errdetail("rbac 1.1 never calls them, and from now on only the schema's owner may create objects in it."),
					 errhint("Drop them unless you made them on purpose.")));
	}
	ReleaseSysCache(tup);
	PG_RETURN_VOID();
}
