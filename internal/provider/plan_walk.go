package provider

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// planWalk is what the plans of one Terraform walk share. Terraform
// configures the provider once per walk (plan, apply, the refresh plan that
// terraform destroy makes first), and plans every resource instance of that
// walk, concurrently, after that; so each Configure starts a new planWalk.
// Scoping it to Configure rather than to the process keeps it right when one
// process serves many walks (a reattached provider, the acceptance tests).
type planWalk struct {
	// id tells this walk's private-state markers from those written by
	// earlier walks (see replacementMarker).
	id string

	mu sync.Mutex
	// removing and adopting are keyed by tokenDigest, never by the token.
	removing map[string]string // the item_id this walk plans to remove
	adopting map[string]bool
	// refreshed are the Items a plaid_item of this walk refreshed: a
	// create planned for one of their tokens is the replacement of a
	// tainted resource, or a second resource for the same Item.
	refreshed map[string]string
}

func newPlanWalk() *planWalk {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return &planWalk{id: hex.EncodeToString(b), removing: map[string]string{}, adopting: map[string]bool{}, refreshed: map[string]string{}}
}

// tokenDigest names a token without holding it: the walk's maps must not
// keep a secret that a heap dump or a debugger could show.
func tokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// planRemoval records that this walk plans to remove Item itemID, reached
// through token. It reports whether another plan of the walk adopts the
// same token: then the removal would end the Item that plan means to keep.
func (w *planWalk) planRemoval(token, itemID string) (adoptedElsewhere bool) {
	if w == nil {
		return false
	}
	d := tokenDigest(token)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.removing[d] = itemID
	return w.adopting[d]
}

// planAdoption records that this walk plans to adopt token. It returns the
// item_id that another plan of the walk removes through the same token, or
// "" when none does.
func (w *planWalk) planAdoption(token string) (removedItemID string) {
	if w == nil {
		return ""
	}
	d := tokenDigest(token)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.adopting[d] = true
	return w.removing[d]
}

// noteRefreshed records that a plaid_item of this walk refreshed Item
// itemID through token, and found it.
func (w *planWalk) noteRefreshed(token, itemID string) {
	if w == nil || token == "" {
		return
	}
	d := tokenDigest(token)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.refreshed[d] = itemID
}

// refreshedItem is the item_id a plaid_item of this walk refreshed through
// token, or "". Terraform refreshes an instance before it plans it, and
// plans a tainted instance's replacement as a create with no prior or
// private state: this is how that create can be told from a new one.
func (w *planWalk) refreshedItem(token string) string {
	if w == nil {
		return ""
	}
	d := tokenDigest(token)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.refreshed[d]
}
