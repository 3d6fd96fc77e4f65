/** Placeholder until this module is filled. */
package org.mrnn4j.models;
