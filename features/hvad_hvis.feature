# language: da
Egenskab: Hvad kunne ændre anbefalingen?
  Rådgivere spørger: "Hvad skulle der til, for at forslaget blev et andet?" Rapportens
  progressionspunkter (aktiv jobsøgning, at søge bredt, mobilitet osv.) er netop det, rådgiver og borger
  arbejder med. For hvert svar køres reglerne og anbefalingen igen på de ændrede svar. Ændringer i
  modellens estimater er sammenhænge, ikke virkninger. Et hvad-nu-hvis gemmer intet.

  Baggrund:
    Givet en borger med disse svar:
      | felt                                                     | svar              |
      | borger-id                                                | P500-HH-01        |
      | kommune                                                  | Holstebro         |
      | opholdsanciennitet (år)                                  | 8                 |
      | hjemmeboende børn under 18 år                            | 2                 |
      | danskuddannelse                                          | danskuddannelse 3 |
      | højest gennemførte uddannelse fra hjemlandet             | erhvervsfaglig uddannelse |
      | erhvervskompetencegivende uddannelse fra Danmark         | ingen             |
      | kontaktform                                              | selvhenvendelse   |
      | er aktivt jobsøgende                                     | delvist           |
      | er geografisk mobil                                      | ja                |
      | søger bredt ift. alle rimelige job                       | delvist           |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage | ja                |
      | ønsker overordnet set at komme i arbejde                 | ja                |
      | sproglige færdigheder tilstrækkelige til realistisk arbejde | i nogen grad   |
      | ægtefælle og familie bakker op om arbejde                | i høj grad        |
      | bruger netværk uden for hjemmet i jobsøgningen           | i lav grad        |
      | jobmålets niveau                                         | faglært           |
      | har en uddannelsesplan                                   | nej               |

  Scenarie: Hvad-nu-hvis dækker de svar, rådgiver og borger kan arbejde med
    Når hvad-nu-hvis beregnes
    Så dækker det felterne:
      | felt                                                        |
      | er aktivt jobsøgende                                        |
      | søger bredt ift. alle rimelige job                          |
      | er geografisk mobil                                         |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage    |
      | danskuddannelse                                             |
      | bruger netværk uden for hjemmet i jobsøgningen              |
      | sproglige færdigheder tilstrækkelige til realistisk arbejde |

  Scenarie: At søge bredt ændrer typologien og antallet af opfyldte kriterier
    Når hvad-nu-hvis beregnes
    Så siger ændringen af "søger bredt ift. alle rimelige job" til "ja", at typologien bliver "Fleksibelt jobmål"
    Og at antallet af opfyldte kriterier går fra 3 til 4

  Scenarie: Ikke at kunne starte inden for 14 dage gør, at løntilskud frarådes
    Når hvad-nu-hvis beregnes
    Så siger ændringen af "kan påbegynde ethvert rimeligt arbejde inden for 14 dage" til "nej", at "løntilskud" frarådes

  Scenarie: Hvad-nu-hvis er præcist: hver ændring er den samme som en ny anbefaling på de ændrede svar
    Når hvad-nu-hvis beregnes
    Så giver hver ændring samme typologi, kriterier, frarådede tilbud, vurdering og estimat som en ny anbefaling
    Og er hver ændring i estimatet mærket som en sammenhæng med sit interval
