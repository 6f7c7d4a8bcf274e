/*
 * search.c: the search page.
 *
 * There is nothing to search yet but the query itself; the page shows
 * the query (escaped by the renderer like every value) and what can be
 * searched.  Pools, accounts and addresses add their hits here.
 */
#include "ui/search.h"

#include <string.h>

#include "ui/page.h"

#define SEARCH_QUERY_MAX 256

int
ui_search(struct web_req *req, struct web_resp *resp)
{
	struct json_object *data = json_object_new_object();
	const char *q = web_query(req, "q");
	size_t len;

	if (q == NULL)
		q = "";
	len = strnlen(q, SEARCH_QUERY_MAX + 1);
	if (len > SEARCH_QUERY_MAX)
		len = SEARCH_QUERY_MAX;
	json_object_object_add(
	    data, "has_query", json_object_new_boolean(len > 0));
	json_object_object_add(data, "results", json_object_new_array());
	return ui_page_render(
	    req, resp, 200, "search", "Search", "search", data);
}
