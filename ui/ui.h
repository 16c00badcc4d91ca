/* ui.h — the interactive TUI (SPEC §5). */
#ifndef CPROF_UI_H
#define CPROF_UI_H
#include "app/options.h"
#include "model/profile.h"
#include "app/recorder.h"
#include "db/session.h"

/* Run the TUI until the user quits.
 *
 * Live (r != NULL, s == NULL): the loop drives the recorder (recorder_wait /
 * recorder_step) and redraws several times a second; when the target ends
 * the UI stays open on the final profile. Quitting calls recorder_finish():
 * a launched program is ended after the final save, an attached one is
 * detached and left running. The caller frees r (recorder_free).
 * Saved (r == NULL, s != NULL): p holds the loaded session; profiled toggles
 * are saved with db_session_sync(). s stays owned by the caller.
 *
 * Returns the exit status for cprof-tui: the launched program's status when
 * it ended by itself before the user quit, 0 otherwise, 2 when the terminal
 * (or the CPROF_TUI_SCRIPT test script) could not be used. */
int ui_run(struct profile *p, struct recorder *r, struct db_session *s, const struct options *o);

#endif
