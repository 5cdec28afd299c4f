package config

import (
	"fmt"
	"strconv"
)

// count returns a setting's apply func for a whole number of at least least.
func count(field func(*Config) *int, least int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < least {
			return fmt.Errorf("must be a whole number of at least %d", least)
		}
		*field(c) = n
		return nil
	}
}
