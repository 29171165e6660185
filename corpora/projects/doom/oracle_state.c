// Added to chocolate-doom by oracle's recipe (corpora/projects/doom): a checksum of the game
// state after every tic of a demo, and of every frame drawn, printed as lines starting with
// "oracle:" every 35 tics (one game second), at each change of game state and at the demo's end.
// The state hashed is what a correct build must compute the same: every mobj's position,
// momentum, angle, health, type, state and counters, every player's status and weapon sprites,
// every sector's heights and light, every sidedef's offsets and textures, every line's special,
// the gameplay random index and the level time. No pointer is hashed (they differ between
// builds), only indices and values.
#include <stdio.h>

#include "doomdef.h"
#include "doomstat.h"
#include "d_loop.h"
#include "d_player.h"
#include "info.h"
#include "m_random.h"
#include "p_local.h"
#include "r_state.h"
#include "i_video.h"
#include "oracle_state.h"

extern int prndindex; // m_random.c: the gameplay random index

static unsigned int tic_hash = 2166136261u;    // running: every tic's state so far
static unsigned int frame_hash = 2166136261u;  // running: every frame so far
static int frames;
static int tics;
static int last_gamestate = -1;

static unsigned int Mix(unsigned int h, int value)
{
    unsigned int v = (unsigned int) value;
    int i;

    for (i = 0; i < 4; ++i)
    {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= 16777619u;
    }
    return h;
}

static int StateIndex(const state_t *st)
{
    return st == NULL ? -1 : (int) (st - states);
}

static unsigned int HashPlayer(unsigned int h, const player_t *p)
{
    int i;

    h = Mix(h, p->playerstate);
    h = Mix(h, p->viewz);
    h = Mix(h, p->viewheight);
    h = Mix(h, p->deltaviewheight);
    h = Mix(h, p->bob);
    h = Mix(h, p->health);
    h = Mix(h, p->armorpoints);
    h = Mix(h, p->armortype);
    for (i = 0; i < NUMPOWERS; ++i)
        h = Mix(h, p->powers[i]);
    for (i = 0; i < NUMCARDS; ++i)
        h = Mix(h, p->cards[i]);
    h = Mix(h, p->backpack);
    for (i = 0; i < MAXPLAYERS; ++i)
        h = Mix(h, p->frags[i]);
    h = Mix(h, p->readyweapon);
    h = Mix(h, p->pendingweapon);
    for (i = 0; i < NUMWEAPONS; ++i)
        h = Mix(h, p->weaponowned[i]);
    for (i = 0; i < NUMAMMO; ++i)
    {
        h = Mix(h, p->ammo[i]);
        h = Mix(h, p->maxammo[i]);
    }
    h = Mix(h, p->refire);
    h = Mix(h, p->killcount);
    h = Mix(h, p->itemcount);
    h = Mix(h, p->secretcount);
    h = Mix(h, p->damagecount);
    h = Mix(h, p->bonuscount);
    h = Mix(h, p->extralight);
    h = Mix(h, p->fixedcolormap);
    for (i = 0; i < NUMPSPRITES; ++i)
    {
        h = Mix(h, StateIndex(p->psprites[i].state));
        h = Mix(h, p->psprites[i].tics);
        h = Mix(h, p->psprites[i].sx);
        h = Mix(h, p->psprites[i].sy);
    }
    return h;
}

static unsigned int HashMobj(unsigned int h, const mobj_t *mo)
{
    h = Mix(h, mo->type);
    h = Mix(h, mo->x);
    h = Mix(h, mo->y);
    h = Mix(h, mo->z);
    h = Mix(h, (int) mo->angle);
    h = Mix(h, mo->sprite);
    h = Mix(h, mo->frame);
    h = Mix(h, mo->floorz);
    h = Mix(h, mo->ceilingz);
    h = Mix(h, mo->radius);
    h = Mix(h, mo->height);
    h = Mix(h, mo->momx);
    h = Mix(h, mo->momy);
    h = Mix(h, mo->momz);
    h = Mix(h, mo->tics);
    h = Mix(h, StateIndex(mo->state));
    h = Mix(h, mo->flags);
    h = Mix(h, mo->health);
    h = Mix(h, mo->movedir);
    h = Mix(h, mo->movecount);
    h = Mix(h, mo->reactiontime);
    h = Mix(h, mo->threshold);
    h = Mix(h, mo->lastlook);
    h = Mix(h, mo->target != NULL);
    h = Mix(h, mo->tracer != NULL);
    h = Mix(h, mo->player != NULL ? (int) (mo->player - players) : -1);
    return h;
}

// The state of the level now; *mobjs gets the number of mobjs.
static unsigned int LevelHash(int *mobjs)
{
    unsigned int h = 2166136261u;
    thinker_t *th;
    int i;

    *mobjs = 0;
    h = Mix(h, gamestate);
    h = Mix(h, gameepisode);
    h = Mix(h, gamemap);
    h = Mix(h, leveltime);
    h = Mix(h, prndindex);
    h = Mix(h, totalkills);
    h = Mix(h, totalitems);
    h = Mix(h, totalsecret);

    if (gamestate != GS_LEVEL)
        return h;

    for (i = 0; i < MAXPLAYERS; ++i)
    {
        if (playeringame[i])
            h = HashPlayer(h, &players[i]);
    }
    for (th = thinkercap.next; th != &thinkercap; th = th->next)
    {
        if (th->function.acp1 == (actionf_p1) P_MobjThinker)
        {
            h = HashMobj(h, (const mobj_t *) th);
            ++*mobjs;
        }
    }
    for (i = 0; i < numsectors; ++i)
    {
        h = Mix(h, sectors[i].floorheight);
        h = Mix(h, sectors[i].ceilingheight);
        h = Mix(h, sectors[i].floorpic);
        h = Mix(h, sectors[i].ceilingpic);
        h = Mix(h, sectors[i].lightlevel);
        h = Mix(h, sectors[i].special);
        h = Mix(h, sectors[i].soundtraversed);
        h = Mix(h, sectors[i].specialdata != NULL);
    }
    for (i = 0; i < numsides; ++i)
    {
        h = Mix(h, sides[i].textureoffset);
        h = Mix(h, sides[i].rowoffset);
        h = Mix(h, sides[i].toptexture);
        h = Mix(h, sides[i].bottomtexture);
        h = Mix(h, sides[i].midtexture);
    }
    for (i = 0; i < numlines; ++i)
    {
        h = Mix(h, lines[i].flags);
        h = Mix(h, lines[i].special);
    }
    return h;
}

static void PrintPlayers(void)
{
    int i;

    for (i = 0; i < MAXPLAYERS; ++i)
    {
        const player_t *p = &players[i];

        if (!playeringame[i] || p->mo == NULL || gamestate != GS_LEVEL)
            continue;
        printf("oracle:   player %d: x %d y %d z %d angle %u momx %d momy %d health %d "
               "armor %d/%d weapon %d ammo %d %d %d %d kills %d items %d secrets %d\n",
               i, p->mo->x, p->mo->y, p->mo->z, p->mo->angle, p->mo->momx, p->mo->momy,
               p->health, p->armorpoints, p->armortype, p->readyweapon,
               p->ammo[0], p->ammo[1], p->ammo[2], p->ammo[3],
               p->killcount, p->itemcount, p->secretcount);
    }
}

static void PrintLine(const char *what, unsigned int level, int mobjs)
{
    printf("oracle: %s tic %d state %d map %d-%d leveltime %d prnd %d mobjs %d level %08x "
           "tics %08x frames %d %08x\n",
           what, gametic, gamestate, gameepisode, gamemap, leveltime, prndindex, mobjs,
           level, tic_hash, frames, frame_hash);
}

void Oracle_TicDone(void)
{
    unsigned int level;
    int mobjs;

    if (!demoplayback)
        return;
    level = LevelHash(&mobjs);
    tic_hash = Mix(tic_hash, (int) level);
    ++tics;
    if (gamestate != last_gamestate || tics % 35 == 0)
    {
        PrintLine(gamestate != last_gamestate ? "enter" : "at", level, mobjs);
        PrintPlayers();
        last_gamestate = gamestate;
    }
}

void Oracle_FrameDone(void)
{
    const unsigned char *pixel = (const unsigned char *) I_VideoBuffer;
    unsigned int h = frame_hash;
    int i;

    if (!demoplayback || pixel == NULL)
        return;
    for (i = 0; i < SCREENWIDTH * SCREENHEIGHT; ++i)
    {
        h ^= pixel[i];
        h *= 16777619u;
    }
    frame_hash = h;
    ++frames;
}

void Oracle_DemoEnd(void)
{
    int mobjs;
    unsigned int level;

    if (!demoplayback)
        return;
    level = LevelHash(&mobjs);
    PrintLine("end", level, mobjs);
    PrintPlayers();
    printf("oracle: totals kills %d items %d secrets %d, %d tics\n",
           totalkills, totalitems, totalsecret, tics);
    fflush(stdout);
}
