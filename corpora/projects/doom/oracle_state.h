// Added to chocolate-doom by oracle's recipe: see oracle_state.c.
#ifndef ORACLE_STATE_H
#define ORACLE_STATE_H
void Oracle_TicDone(void);
void Oracle_FrameDone(void);
void Oracle_DemoEnd(void);
#endif
